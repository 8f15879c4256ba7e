# Values for the example's root module.
region   = "eu-central-1"
vpc_cidr = "10.42.0.0/16"
