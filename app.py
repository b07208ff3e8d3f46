"""The cancellation desk: Chalice app wiring only; everything else lives in chalicelib/."""

from chalice.app import Chalice

from chalicelib.api.appeals import appeals
from chalicelib.api.auth import auth
from chalicelib.api.buyer import buyer
from chalicelib.api.docs_page import docs_page
from chalicelib.api.evidence import evidence_routes
from chalicelib.api.middleware import http
from chalicelib.api.operator import operator
from chalicelib.api.platform import platform
from chalicelib.api.public import public
from chalicelib.api.seller import seller
from chalicelib.api.seller_center import seller_center
from chalicelib.api.seller_tools import seller_tools
from chalicelib.api.webhooks import webhooks
from chalicelib.events.stream import stream
from chalicelib.jobs.schedule import jobs
from chalicelib.webhooks.functions import webhook_functions

app = Chalice(app_name="cancellation-desk")

for blueprint in (auth, http, public, docs_page, seller_center, platform, buyer, seller, evidence_routes,
                  appeals, seller_tools, operator, webhooks, jobs, stream, webhook_functions):
    app.register_blueprint(blueprint)
