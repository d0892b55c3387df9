event "image_uploaded" {
  type   = "com.example.image.uploaded"
  schema = "./schemas/upload.json"
}

trigger "on_upload" {
  source {
    storage {
      bucket = "images"
      prefix = "in/"
      events = ["created", "deleted"]
    }
  }
  event  = event.image_uploaded
  target = workflow.thumbnail
}

trigger "nightly" {
  schedule = "0 2 * * *"
  target   = workflow.report
}

trigger "after" {
  on_completion = workflow.thumbnail
  target        = function.audit
}
