# A minimal project on the local provider.
fnplan {
  backend "local" {
    path = ".fnplan/state.json"
  }
}

provider "local" {}

runtime "python" {
  language = "python3.12"
  memory   = 128
  timeout  = 10
}

function "hello" {
  runtime = runtime.python
  source  = "./functions/hello"
  handler = "main.handler"
}

workflow "greet" {
  step "say" {
    function = function.hello
    input    = { name = input.name }
  }
  output = { greeting = step.say.output.message }
}

output "workflow" {
  value = workflow.greet.endpoint
}
