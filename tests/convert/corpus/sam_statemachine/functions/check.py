def handler(event, context):
    return {"size": 2048, "kind": "image", "path": "x"}
