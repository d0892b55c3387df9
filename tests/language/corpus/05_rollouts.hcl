function "api" {
  runtime     = runtime.python
  source      = "./functions/api"
  description = "The public API; \"quoted\" words and a tab\there."
  memory      = 1024
  timeout     = 2.5
  rollout {
    strategy = "canary"
    steps    = [10, 50, 100]
    interval = "5m"
  }
  env = {
    STAGE      = "prod"
    LOG_LEVEL  = "info"
    "X-Header" = "yes"
  }
}

function "worker" {
  runtime       = runtime.python
  source        = "./functions/worker"
  keep_versions = 5
  rollout {
    strategy = "linear"
    steps    = [25, 50, 75, 100]
    interval = "1m"
  }
}
