"""log_upload: one log line per object S3 reports as created in the uploads bucket.

S3 invokes it with its notification event (`Records`); it reads only that event, so its role
needs no access to the bucket.
"""

import json


def handler(event, context):
    uploads = [
        {
            "url": f"s3://{record['s3']['bucket']['name']}/{record['s3']['object']['key']}",
            "bytes": record["s3"]["object"].get("size", 0),
            "event": record["eventName"],
        }
        for record in event.get("Records", [])
    ]
    for upload in uploads:
        print(json.dumps({"message": "uploaded", **upload}))
    return {"uploads": uploads}
