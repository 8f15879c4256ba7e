# Inputs of the example; terraform.tfvars gives their values.

variable "region" {
  description = "AWS region to deploy into."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the services VPC."
  type        = string
  default     = "10.42.0.0/16"
}
