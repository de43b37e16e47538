"""PartiQL for DynamoDB: tokenizer, parser, statement AST and the plans the PartiQL operations run.

https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html
"""
