"""HTTP layer: parse and validate, take identity from the authorizer, call the service, shape answers."""
