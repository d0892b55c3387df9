# fnplan quickstart on AWS: examples/quickstart with the aws provider (README.md says what differs).
#   fnplan plan && fnplan apply
#   fnplan run thumbnail --input '{"url": "data/sample.txt"}'
#   fnplan run catalog --input '{"url": "data/sample.txt"}'

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

variable "db_url" {
  type        = string
  default     = ""
  description = "SQLAlchemy URL of the catalog database (default: a SQLite file under .fnplan/)."
}

variable "status_url" {
  type        = string
  default     = "http://127.0.0.1:8080/healthz"
  description = "Pinged by the catalog workflow; the default is `fnplan serve`'s health endpoint."
}

locals {
  db_url = coalesce(var.db_url, "sqlite:///${path.module}/.fnplan/catalog.db")
}

variable "aws_region" {
  default = "us-east-1"
}

variable "aws_endpoint" {
  default     = null
  description = "One URL for every AWS service (moto, LocalStack); null: AWS itself."
}

variable "aurora_cluster_arn" {
  type        = string
  default     = "arn:aws:rds:us-east-1:123456789012:cluster:fnplan-catalog"
  description = "The Aurora cluster (Data API enabled) the catalog's sql steps run on."
}

variable "aurora_secret_arn" {
  type        = string
  default     = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fnplan-catalog"
  description = "The Secrets Manager secret holding that cluster's credentials."
}

provider "aws" {
  region      = var.aws_region
  endpoint    = var.aws_endpoint
  name_prefix = var.env
  data_api = {
    resource_arn = var.aurora_cluster_arn
    secret_arn   = var.aurora_secret_arn
    database     = "catalog"
  }
}

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
  env = {
    PROJECT_DIR = path.module # relative paths in `url` are read from the project directory
  }
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

module "vision" {
  source  = "fnplan/vision"
  version = "~> 2.1"
}

# catalog: classify a file and record it in a SQLite database. It is dedicated: it runs its
# own private copies of the functions it calls (here workflow.catalog's copy of fetch).
workflow "catalog" {
  isolation = "dedicated"

  input {
    schema = "./schemas/upload.json"
  }

  step "fetch" {
    function = function.fetch
    input = {
      url = input.url
    }
  }

  # The module's workflow, flattened into this one: steps classify__detect and classify__tag.
  step "classify" {
    workflow = module.vision.workflow.classify
    nesting  = "inline"
    input = {
      image = step.fetch.output.path
    }
  }

  # The same workflow run as a child execution, with its own log; same output as `classify`.
  step "classify_call" {
    workflow = module.vision.workflow.classify
    nesting  = "call"
    input = {
      image = step.fetch.output.path
    }
  }

  # A shell step, running in parallel with the two classify steps.
  step "measure" {
    shell {
      script = "wc -c < \"$FILE\" | tr -d ' '"
      env = {
        FILE = step.fetch.output.path
      }
    }
  }

  step "create_table" {
    sql        = "CREATE TABLE IF NOT EXISTS catalog (url TEXT, summary TEXT, bytes INTEGER)"
    connection = local.db_url
  }

  step "record" {
    sql        = "INSERT INTO catalog (url, summary, bytes) VALUES (:url, :summary, :bytes)"
    connection = local.db_url
    params = {
      url     = input.url
      summary = step.classify.output.summary
      bytes   = tonumber(trimspace(step.measure.output.stdout))
    }
    depends_on = [step.create_table]
  }

  step "count" {
    sql        = "SELECT COUNT(*) AS files FROM catalog"
    connection = local.db_url
    depends_on = [step.record]
  }

  # An http step. When nothing answers (no `fnplan serve` running), the catch routes the
  # error to `offline` and the run still succeeds.
  step "status" {
    http {
      url     = var.status_url
      timeout = 2
    }
    depends_on = [step.count]
    catch {
      errors = ["ConnectionError", "HTTPError", "Timeout"]
      next   = step.offline
    }
  }

  step "offline" {
    shell {
      script = "echo \"nothing answered at $STATUS_URL; start fnplan serve to see it answer\""
      env = {
        STATUS_URL = var.status_url
      }
    }
  }

  output = {
    labels = step.classify.output.labels
    tags   = step.classify_call.output.tags
    bytes  = tonumber(trimspace(step.measure.output.stdout))
    files  = step.count.output.rows[0].files
    status = step.status.output.status
  }
}

trigger "nightly" {
  schedule = "0 2 * * *"
  target   = workflow.thumbnail
  input = {
    url = "${path.module}/data/sample.txt"
  }
}

# Triggers only AWS has here (README.md): a file published on the event bus is fetched, and
# each upload to an existing bucket (create it first) is logged.
event "file_published" {
  type = "com.example.quickstart.file.published"
}

trigger "prefetch" {
  event  = event.file_published # the function receives the event's data: {"url": ...}
  target = function.fetch
}

variable "uploads_bucket" {
  type        = string
  default     = "fnplan-quickstart-uploads"
  description = "An S3 bucket of yours, created before apply; fnplan only adds its notification."
}

data "aws_s3_bucket" "uploads" {
  name = var.uploads_bucket
}

function "log_upload" {
  runtime = runtime.python
  source  = "./functions/log_upload"
  handler = "main.handler"
}

trigger "on_upload" {
  source {
    storage {
      bucket = data.aws_s3_bucket.uploads.name
      prefix = "uploads/"
      events = ["created"]
    }
  }
  target = function.log_upload
}

output "thumbnail_arn" {
  value = workflow.thumbnail.arn
}

output "environment" {
  value = var.env
}
