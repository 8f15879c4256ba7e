# The execute-api interface endpoint through which VPC workloads reach the API.
# Mistake: the security group was copied from a web tier and admits HTTP (80),
# but clients call API Gateway over HTTPS (443), so they time out (PRV005).

resource "aws_security_group" "api_endpoint" {
  name        = "inventory-api-endpoint"
  description = "Clients in the VPC to the execute-api endpoint"
  vpc_id      = aws_vpc.services.id

  ingress {
    description = "HTTP from the VPC"
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = [var.vpc_cidr]
  }
}

resource "aws_vpc_endpoint" "execute_api" {
  vpc_id              = aws_vpc.services.id
  service_name        = "com.amazonaws.${var.region}.execute-api"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  security_group_ids  = [aws_security_group.api_endpoint.id]
}
