"""Prints while its module is imported (INIT) and while it handles an event (INVOKE)."""

print("printed during init")


def handler(event, context):
    print("printed by the handler")
    return "ok"
