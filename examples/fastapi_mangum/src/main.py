"""A FastAPI app wrapped with Mangum, written as for AWS."""

from fastapi import FastAPI, HTTPException, Response
from mangum import Mangum
from pydantic import BaseModel

app = FastAPI()

ITEMS = {1: {"id": 1, "name": "hammer", "price": 9.5}}


class NewItem(BaseModel):
    name: str
    price: float


@app.get("/")
def root():
    return {"hello": "world"}


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None):
    if item_id not in ITEMS:
        raise HTTPException(status_code=404, detail="Item not found")
    return {**ITEMS[item_id], "q": q}


@app.post("/items", status_code=201)
def create_item(item: NewItem):
    new = {"id": max(ITEMS) + 1, **item.model_dump()}
    ITEMS[new["id"]] = new
    return new


@app.get("/text")
def text():
    return Response(content="plain text", media_type="text/plain", headers={"X-App": "fastapi"})


handler = Mangum(app, lifespan="off")
