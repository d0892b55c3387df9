variable "env" {
  default = "dev"
}

variable "aws_endpoint" {
  default     = "http://127.0.0.1:5000"
  description = "moto server"
}

locals {
  prefix = "img-${var.env}"
  tags   = { team = "media", cost_center = 42 }
}

provider "aws" {
  region   = "us-east-1"
  endpoint = var.aws_endpoint
}

runtime "python" {
  language = "python3.12"
  image    = "python:3.12-slim"
  memory   = 256
  timeout  = 30
  env      = { LOG_FORMAT = "json" }
}

runtime "python-imaging" {
  base     = runtime.python
  packages = ["pillow==11.0.0", "numpy>=2"]
  memory   = 512
}

function "resize" {
  runtime       = runtime.python-imaging
  source        = "./functions/resize"
  handler       = "main.handler"
  input_schema  = "./schemas/resize.in.json"
  output_schema = "./schemas/resize.out.json"
  scaling {
    min         = 0
    max         = 20
    concurrency = 10
  }
  keep_versions = 3
}

workflow "thumbnail" {
  isolation = "shared"
  target    = provider.aws
  input {
    schema = "./schemas/upload.json"
  }
  step "fetch" {
    function = function.fetch
    input    = { url = input.url }
  }
  step "resize" {
    function = function.resize
    input    = { image = step.fetch.output.path, width = 256 }
    retry {
      max_attempts = 3
      backoff      = "exponential"
    }
    catch {
      errors = ["any"]
      next   = step.report_failure
    }
  }
  step "report_failure" {
    http {
      url    = "https://hooks.example.com/fail"
      method = "POST"
    }
  }
  output = { thumbnail = step.resize.output.path }
}
