"""A todo API on aws-lambda-powertools' APIGatewayHttpResolver (HTTP API, payload 2.0), written as for AWS."""

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

app = APIGatewayHttpResolver()

TODOS = {"1": {"id": "1", "title": "Write tests", "done": False}}


@app.get("/")
def index():
    return {"service": "todos"}


@app.get("/todos")
def list_todos():
    done = app.current_event.get_query_string_value(name="done", default_value=None)
    todos = list(TODOS.values())
    if done is not None:
        todos = [todo for todo in todos if str(todo["done"]).lower() == done]
    return {"todos": todos}


@app.get("/todos/<todo_id>")
def get_todo(todo_id: str):
    if todo_id not in TODOS:
        raise NotFoundError(f"todo {todo_id} not found")
    return TODOS[todo_id]


@app.post("/todos")
def create_todo():
    body = app.current_event.json_body
    todo = {"id": str(len(TODOS) + 1), "title": body["title"], "done": False}
    TODOS[todo["id"]] = todo
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=todo)


@app.get("/whoami")
def whoami():
    event = app.current_event
    return {
        "path": event.raw_path,
        "route": event.route_key,
        "stage": event.request_context.stage,
        "agent": event.get_header_value("user-agent"),
        "cookies": event.cookies,
    }


def lambda_handler(event, context):
    return app.resolve(event, context)
