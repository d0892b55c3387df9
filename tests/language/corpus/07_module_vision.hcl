fnplan {
  version = "2.1.0"
}

variable "model" {
  default = "resnet50"
}

function "detect" {
  runtime = runtime.python
  source  = "./functions/detect"
  env     = { MODEL = var.model }
}

workflow "classify" {
  step "detect" {
    function = function.detect
    input    = { image = input.image, threshold = 0.75 }
  }
  step "label" {
    function = function.detect
    input    = { boxes = step.detect.output.boxes }
  }
  output = { labels = step.label.output.labels }
}
