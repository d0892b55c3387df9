variable "regions" {
  default = ["us-east-1", "eu-west-1"]
}

variable "sizes" {
  default = { small = 128, large = 1024 }
}

locals {
  count      = length(var.regions)
  first      = var.regions[0]
  upper_envs = [for r in var.regions : upper(r)]
  by_name    = { for k, v in var.sizes : k => v * 2 }
  big        = var.sizes.large > 512 ? "big" : "small"
  neg        = -5
  math       = (1 + 2) * 3 % 4
  joined     = join(",", var.regions)
  label      = format("%s-%03d", "fn", 7)
  flag       = !false && true
  nested     = { a = { b = [1, 2, { c = "d" }] } }
  empty_list = []
  empty_obj  = {}
}
