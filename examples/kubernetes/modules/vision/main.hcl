# Built-in module "fnplan/vision": classify an image (or any file) in two steps.
#   module "vision" {
#     source  = "fnplan/vision"
#     version = "~> 2.1"
#   }
#   step "classify" {
#     workflow = module.vision.workflow.classify
#     input    = { image = step.resize.output.path }
#   }

fnplan {
  version = "2.1.0"
}

variable "min_confidence" {
  type        = number
  default     = 0.5
  description = "Labels scoring below this confidence (0..1) are dropped."
  validation {
    condition     = var.min_confidence >= 0 && var.min_confidence <= 1
    error_message = "min_confidence must be between 0 and 1."
  }
}

variable "max_labels" {
  type        = number
  default     = 5
  description = "At most this many labels are returned, best first."
}

variable "tag_prefix" {
  type        = string
  default     = "vision"
  description = "Prefix of every tag the tag step emits."
}

variable "memory" {
  type        = number
  default     = 256
  description = "Memory (MB) of the module's functions."
}

variable "runtime_image" {
  type        = string
  description = "The image the module's functions run in (the runtime image contract)."
}

runtime "python" {
  language = "python3.12"
  image    = var.runtime_image
  memory   = var.memory
  timeout  = 30
  env = {
    LOG_FORMAT = "json"
  }
}

function "detect" {
  runtime       = runtime.python
  source        = "./functions/detect"
  handler       = "main.handler"
  description   = "Guess labels for a file from its name and content."
  input_schema  = "./schemas/detect.in.json"
  output_schema = "./schemas/detect.out.json"
}

function "tag" {
  runtime     = runtime.python
  source      = "./functions/tag"
  handler     = "main.handler"
  description = "Turn labels into prefixed tags and a one-line summary."
}

workflow "classify" {
  description = "Detect labels of input.image, then tag it."
  isolation   = "shared"

  input {
    schema = "./schemas/detect.in.json"
  }

  step "detect" {
    function = function.detect
    input = {
      image          = input.image
      min_confidence = var.min_confidence
      max_labels     = var.max_labels
    }
  }

  step "tag" {
    function = function.tag
    input = {
      image  = input.image
      labels = step.detect.output.labels
      prefix = var.tag_prefix
    }
  }

  output = {
    labels  = step.detect.output.labels
    bytes   = step.detect.output.bytes
    tags    = step.tag.output.tags
    summary = step.tag.output.summary
  }
}

output "classify_template" {
  value = workflow.classify.template
}
