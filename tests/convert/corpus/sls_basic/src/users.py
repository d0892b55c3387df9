def create(event, context):
    return {"created": True}
