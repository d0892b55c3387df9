# fnplan quickstart on Kubernetes: examples/quickstart with the kubernetes provider (README.md
# says what differs).
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
  default     = "postgresql://catalog@postgres.default.svc.cluster.local:5432/catalog"
  description = "libpq URL of the catalog's PostgreSQL database, as seen from the cluster."
}

variable "status_url" {
  type        = string
  default     = "http://127.0.0.1:8080/healthz"
  description = "Pinged by the catalog workflow; the default is `fnplan serve`'s health endpoint."
}

locals {
  db_url = var.db_url
}

variable "kubeconfig" {
  default     = null
  description = "The kubeconfig to use; null: $KUBECONFIG, ~/.kube/config, or the pod's service account."
}

variable "namespace" {
  default     = "fnplan-quickstart"
  description = "Where the shared functions, workflow templates and triggers go (it must exist)."
}

variable "runtime_image" {
  default     = "ghcr.io/fnplan/runtime-python:3.12"
  description = "An image following the runtime image contract (examples/runtimes/python)."
}

provider "kubernetes" {
  kubeconfig = var.kubeconfig
  namespace  = var.namespace
}

runtime "python" {
  language = "python3.12"
  image    = var.runtime_image
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

# fnplan/vision with the runtime image as a variable (modules/vision: README.md says why)
module "vision" {
  source        = "./modules/vision"
  runtime_image = var.runtime_image
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
      errors = ["any"]
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

output "thumbnail_template" {
  value = workflow.thumbnail.template
}

output "environment" {
  value = var.env
}
