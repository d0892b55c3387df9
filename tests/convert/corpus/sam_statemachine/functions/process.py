def handler(event, context):
    return {"path": event["path"]}
