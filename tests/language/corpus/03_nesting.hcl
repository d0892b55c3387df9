module "vision" {
  source  = "./modules/vision"
  version = "~> 2.0"
}

workflow "pipeline" {
  isolation = "dedicated"
  step "classify" {
    workflow = module.vision.workflow.classify
    nesting  = "inline"
    when     = step.resize.output.bytes > 1024
    input    = { image = step.resize.output.path }
  }
  step "record" {
    sql        = "INSERT INTO thumbs(path) VALUES (:path)"
    connection = var.db_url
    params     = { path = step.resize.output.path }
    depends_on = [step.classify]
  }
  step "cleanup" {
    shell {
      image  = "alpine:3.20"
      script = "rm -rf ./scratch"
    }
  }
  step "pinned" {
    function = function.resize.versions[2]
    input    = { retries = 3, ratio = 0.5, enabled = true, nothing = null }
  }
}
