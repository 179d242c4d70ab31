"""The bare endpoint: a Flask app with one JSON route, the ceiling the product's endpoints are compared to."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/bare")
def bare():
    """A constant JSON answer: no database, no authentication, no extensions."""
    return jsonify({"ok": True})
