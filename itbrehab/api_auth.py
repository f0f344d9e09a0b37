"""Token authentication for clinic systems (django-rest-knox) in one query per request.

Knox's own ``authenticate_credentials`` reads the tokens sharing the presented key
(with their user) and then, for its housekeeping, every token of that user, deleting the
expired ones: two queries on every request, the second growing with the user's tokens.
Here the token and its user come in one query and the check is knox's: the digest
compared in constant time, an expired token refused (and deleted, with knox's
``token_expired`` signal), an inactive user refused. The user's other expired tokens
are deleted where they matter, when a new one is issued (``api_token_create``), so they
never count toward ``TOKEN_LIMIT_PER_USER``.

``AUTO_REFRESH`` keeps knox's behaviour (off here): when on, a request moves its token's
expiry with one ``UPDATE`` at most once per ``MIN_REFRESH_INTERVAL`` (60 s) per token,
so a busy integration pays that one extra statement once a minute, not on every call.
"""

from __future__ import annotations

import re
from hmac import compare_digest
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions

from itbrehab.audit.context import name_api_user

if TYPE_CHECKING:
    from knox.models import AuthToken
    from rest_framework.request import Request

    from itbrehab.accounts.models import User

TOKEN_SHAPE = re.compile(rb"[0-9a-f]{1,256}")
INVALID_TOKEN = _("Invalid token.")

# What authenticating one request with a token costs: the token with its user, joined.
TOKEN_AUTH_QUERIES = 1


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox tokens are lower-case hex: anything else is refused before any lookup.

    The token's therapist is named to the audit here: DRF authenticates in the view,
    after the audit middleware has seen an anonymous request.
    """

    def authenticate_header(self, request: Request) -> str:
        # The 401's challenge (DRF asks the first authenticator): an API client that sent
        # a bearer token is told to send one again, not a therapist's "Token".
        # (The schema generator asks too, with no request: getattr.)
        header = getattr(request, "META", {}).get("HTTP_AUTHORIZATION", "")
        if header.lower().startswith("bearer "):
            return 'Bearer realm="api"'
        return super().authenticate_header(request)

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        if not TOKEN_SHAPE.fullmatch(token):
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        user, auth_token = self._token_of(token.decode())
        name_api_user(user.pk)
        return user, auth_token

    def _token_of(self, token: str) -> tuple[User, AuthToken]:
        """Return the user and the stored token matching ``token``; refuse anything else.

        The key (the token's first 15 characters) is not secret and need not be unique:
        every row with it is compared by digest, in constant time.
        """
        digest = hash_token(token)
        candidates = (
            get_token_model()
            .objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
        )
        for auth_token in candidates:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                username = auth_token.user.get_username()
                auth_token.delete()
                token_expired.send(sender=type(self), username=username, source="auth_token")
                break
            if knox_settings.AUTO_REFRESH and auth_token.expiry:
                self.renew_token(auth_token)
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(INVALID_TOKEN)


class TokenScheme(KnoxTokenScheme):
    """Document it in the schema as the knox token it is: ``Authorization: Token …``."""

    target_class = "itbrehab.api_auth.TokenAuthentication"
