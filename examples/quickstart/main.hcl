# fnplan quickstart: three Python functions and one workflow, run on this machine.
#   fnplan plan && fnplan apply
#   fnplan run thumbnail --input '{"url": "data/sample.txt"}'

fnplan {
  backend "local" {
    path = ".fnplan/state.json"
  }
}

variable "env" {
  default = "dev"
}

variable "thumbnail_width" {
  type    = number
  default = 64
}

provider "local" {}

runtime "python" {
  language = "python3.12"
  memory   = 256
  timeout  = 30
  env = {
    LOG_FORMAT = "json"
    APP_ENV    = var.env
  }
}

runtime "python-tools" {
  base    = runtime.python
  memory  = 512
  timeout = 60
  env = {
    TOOLS_MODE = "thumbnail"
  }
}

function "fetch" {
  runtime       = runtime.python
  source        = "./functions/fetch"
  handler       = "main.handler"
  input_schema  = "./schemas/fetch.in.json"
  output_schema = "./schemas/fetch.out.json"
}

function "resize" {
  runtime       = runtime.python-tools
  source        = "./functions/resize"
  handler       = "main.handler"
  input_schema  = "./schemas/resize.in.json"
  output_schema = "./schemas/resize.out.json"
  keep_versions = 3
}

function "report_failure" {
  runtime = runtime.python
  source  = "./functions/report_failure"
  handler = "main.handler"
}

workflow "thumbnail" {
  isolation = "shared"

  input {
    schema = "./schemas/upload.json"
  }

  step "fetch" {
    function = function.fetch
    input = {
      url = input.url
    }
  }

  step "resize" {
    function = function.resize
    input = {
      image = step.fetch.output.path
      width = var.thumbnail_width
    }
    when = step.fetch.output.bytes > 0
    retry {
      max_attempts = 2
      backoff      = "fixed"
      interval     = 0.1
    }
    catch {
      errors = ["any"]
      next   = step.report_failure
    }
  }

  step "report_failure" {
    function = function.report_failure
    input = {
      url    = input.url
      reason = "resize failed"
    }
  }

  output = {
    thumbnail = step.resize.output.path
    bytes     = step.resize.output.bytes
  }
}

trigger "nightly" {
  schedule = "0 2 * * *"
  target   = workflow.thumbnail
  input = {
    url = "${path.module}/data/sample.txt"
  }
}

output "thumbnail_endpoint" {
  value = workflow.thumbnail.endpoint
}

output "environment" {
  value = var.env
}
