def hello(event, context):
    return {"message": "hello"}
