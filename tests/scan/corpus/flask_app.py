# A scan corpus file: the older typing styles are written on purpose.
"""Items service on Flask."""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    return jsonify(request.json)


@app.delete("/items/<int:item_id>")
def delete_item(item_id):
    return "", 204


def lambda_handler(event, context):
    return {"statusCode": 200, "body": event.get("body", "")}
