"""What every table's model builds on: its name read from the environment, its billing, and the evidence map that
cancellations and appeals both hold.

In a module of its own so that each table's models module (models, webhook_models, evidence_models,
appeal_models) imports it rather than another table's: a request that first touches an appeal or an evidence file
loads its own table's models without a circular import through models.MODELS, which lists them all."""

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute

from .. import config


class _TableName:
    """`Meta.table_name` resolved from an environment variable on every access."""

    def __init__(self, variable: str):
        self.variable = variable

    def __get__(self, instance: object, owner: type) -> str:
        return config.table_name(self.variable)


class _Meta:
    billing_mode = "PAY_PER_REQUEST"
    max_retry_attempts = 3


class EvidenceMap(MapAttribute[str, object]):
    evidence_id = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
