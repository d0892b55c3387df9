# A scan corpus file: the older typing styles are written on purpose.
from fastapi import FastAPI
from pydantic import BaseModel

api = FastAPI()


class Signup(BaseModel):
    email: str
    newsletter: bool = False


class Welcome(BaseModel):
    message: str


@api.put("/signup")
def signup(request_id: str, body: Signup) -> Welcome:
    """Register a user."""
    return Welcome(message=f"welcome {body.email}")
