# Scenario: a team publishes its "inventory" REST API as a PRIVATE API, callable only
# from workloads in the services VPC through an execute-api interface endpoint.
# Two mistakes hide in this module (examples/EXPECTED.md lists the findings):
#   - the VPC never turns DNS hostnames on, so private DNS cannot work (PRV004);
#   - the endpoint's security group admits port 80, not 443 (PRV005, endpoint.tf).

provider "aws" {
  region = var.region
}

resource "aws_vpc" "services" {
  cidr_block         = var.vpc_cidr
  enable_dns_support = true

  tags = {
    Name = "services"
  }
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.services.id
  cidr_block        = "10.42.1.0/24"
  availability_zone = "${var.region}a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.services.id
  cidr_block        = "10.42.2.0/24"
  availability_zone = "${var.region}b"
}
