"""The evidence files' table: one item per declared upload, read by key only (docs/evidence.md)."""

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from .base_models import _Meta, _TableName


class EvidenceItem(Model):
    """Who declared the upload, its type and size, and once attached, what it is attached to: attaching is a
    conditional update of this item inside the attaching change's transaction."""

    class Meta(_Meta):
        table_name = _TableName("EVIDENCE_TABLE")

    evidence_id = UnicodeAttribute(hash_key=True)
    seller_id = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    created_at = UnicodeAttribute()
    attached_to = UnicodeAttribute(null=True)
    attached_at = UnicodeAttribute(null=True)
    # A record never attached is deleted by this TTL (docs/evidence.md, E7); attaching removes it.
    expires_at = TTLAttribute(null=True)


EVIDENCE_MODELS: tuple[type[Model], ...] = (EvidenceItem,)
