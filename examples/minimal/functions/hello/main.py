"""hello: greet the name it is given."""


def handler(event, context):
    return {"greeting": f"Hello, {event.get('name') or 'world'}!"}
