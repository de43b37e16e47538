"""serverlite: API Gateway REST APIs, Lambda and DynamoDB from a SAM template, on one machine."""

__version__ = "0.1.0"
