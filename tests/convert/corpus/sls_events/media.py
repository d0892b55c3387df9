def thumbnail(event, context):
    return {}


def audit(event, context):
    return {}
