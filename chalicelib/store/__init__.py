"""DynamoDB persistence through PynamoDB: models, reads, and one transaction per state change."""
