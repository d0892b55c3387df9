"""Configuration loading: HCL (tree-sitter) and YAML syntax, block schemas, evaluation."""
