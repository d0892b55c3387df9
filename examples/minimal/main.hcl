# A minimal fnplan project: one function and a workflow that calls it, on this machine.
#   fnplan plan && fnplan apply
#   fnplan run hello --input '{"name": "world"}'

provider "local" {}

runtime "python" {
  language = "python3.12"
}

function "hello" {
  runtime = runtime.python
  source  = "./functions/hello"
  handler = "main.handler"
}

workflow "hello" {
  step "greet" {
    function = function.hello
    input = {
      name = input.name
    }
  }

  output = {
    greeting = step.greet.output.greeting
  }
}
