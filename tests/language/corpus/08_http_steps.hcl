workflow "notify" {
  step "post" {
    http {
      url     = "https://hooks.example.com/${var.env}/notify"
      method  = "POST"
      headers = { "Content-Type" = "application/json" }
      body    = { text = "done", count = 3 }
      timeout = 10
    }
  }
  step "audit" {
    function   = function.audit
    depends_on = [step.post]
    retry {
      max_attempts = 5
      backoff      = "linear"
      interval     = 2
    }
  }
}

output "notify_endpoint" {
  value       = workflow.notify.endpoint
  description = "Where to send notifications"
  sensitive   = false
}
