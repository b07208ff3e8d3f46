"""Pure business rules: no AWS, no Chalice, no PynamoDB."""
