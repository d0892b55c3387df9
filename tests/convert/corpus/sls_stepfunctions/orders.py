def validate(event, context):
    return {"valid": True, "order": event}


def charge(event, context):
    return {"charged": True}


def ship(event, context):
    return {"shipped": True}


def notify(event, context):
    return {"notified": True}


def refund(event, context):
    return {"refunded": True}
