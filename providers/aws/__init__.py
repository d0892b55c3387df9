"""The AWS provider's building blocks: Step Functions definitions generated from workflows."""
