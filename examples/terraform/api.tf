# The private REST API, its policy (invoke only through our endpoint), one MOCK
# method, and a deployment that redeploys when the policy or the method changes.

resource "aws_api_gateway_rest_api" "inventory" {
  name = "inventory"

  endpoint_configuration {
    types            = ["PRIVATE"]
    vpc_endpoint_ids = [aws_vpc_endpoint.execute_api.id]
  }

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "execute-api:Invoke"
      Resource  = "execute-api:/*"
      Condition = {
        StringEquals = { "aws:SourceVpce" = aws_vpc_endpoint.execute_api.id }
      }
    }]
  })
}

resource "aws_api_gateway_method" "list_items" {
  rest_api_id   = aws_api_gateway_rest_api.inventory.id
  resource_id   = aws_api_gateway_rest_api.inventory.root_resource_id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "list_items" {
  rest_api_id       = aws_api_gateway_rest_api.inventory.id
  resource_id       = aws_api_gateway_rest_api.inventory.root_resource_id
  http_method       = aws_api_gateway_method.list_items.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_deployment" "inventory" {
  rest_api_id = aws_api_gateway_rest_api.inventory.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_rest_api.inventory.policy,
      aws_api_gateway_method.list_items.id,
      aws_api_gateway_integration.list_items.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "v1" {
  rest_api_id   = aws_api_gateway_rest_api.inventory.id
  deployment_id = aws_api_gateway_deployment.inventory.id
  stage_name    = "v1"
}
