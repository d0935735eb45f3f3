"""Who is using the chat (Streamlit side of qa.access): sign-in forms and roles."""

from __future__ import annotations

import streamlit as st

from qa.access import (
    ANONYMOUS_READER,
    LOCAL_EDITOR,
    AccessError,
    SignInThrottle,
    User,
    foreign_request,
    oidc_in_secrets,
    password_sign_in,
    serving_mode,
    sign_in,
)
from qa.config import Settings
from qa.display import markdown_safe


def current_user(settings: Settings) -> User:
    """The signed-in user (or the local editor, or everyone as a reader), after asking
    for a sign-in if one is needed; stops the page until then."""
    oidc = oidc_in_secrets()
    passwords = password_sign_in(settings.users_file)
    mode = serving_mode(st.get_option("server.address"), oidc or passwords, settings.public_readonly)
    if mode == "local":
        foreign = foreign_request(st.context.headers)
        if not foreign:
            return LOCAL_EDITOR
        if settings.public_readonly:
            return ANONYMOUS_READER
        raise AccessError(foreign)
    if mode == "public-readonly":
        return ANONYMOUS_READER
    if oidc:
        return _oidc_user(settings)
    return _password_user(settings)


def _oidc_user(settings: Settings) -> User:
    if not st.user.is_logged_in:
        st.title("Sanad")
        st.button("Sign in", type="primary", on_click=st.login)
        st.stop()
    email = str(st.user.get("email") or "")
    verified = bool(email) and st.user.get("email_verified") is True  # only what the provider vouches for
    editor = verified and email.casefold() in settings.editors
    # The name is who the user is to the chat: their conversations and changes go under it.
    # An email the provider does not vouch for, or a display name, could be anyone's.
    subject = f"{st.user.get('sub') or ''} at {st.user.get('iss') or ''}" if st.user.get("sub") else ""
    name = email if verified else subject
    if not name:
        st.error("The identity provider gave neither a verified email nor a subject: sign-in refused.")
        st.stop()
    return User(name, "editor" if editor else "reader")


def _password_user(settings: Settings) -> User:
    user = st.session_state.get("user")
    if isinstance(user, User):
        return user
    st.title("Sanad")
    with st.form("sign-in"):
        name = st.text_input("Name", max_chars=100)  # as `qa user add` allows
        password = st.text_input("Password", type="password", max_chars=1000)
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        assert settings.users_file is not None  # password mode means a users file
        throttle = sign_in_throttle()
        if wait := throttle.try_now(name):
            st.error(f"Too many wrong passwords for this name: try again in {wait:.0f} s.")
            st.stop()
        user = sign_in(settings.users_file, name, password)
        if user:
            throttle.succeeded(name)
            st.session_state["user"] = user
            st.rerun()
        st.error("Wrong name or password.")
    st.stop()


@st.cache_resource
def sign_in_throttle() -> SignInThrottle:
    """One per server: every session's wrong passwords count against the name tried."""
    return SignInThrottle()


def sign_out_button(user: User) -> None:
    """Who is signed in, and a way out (nothing to show for the local or anonymous user)."""
    if user in (LOCAL_EDITOR, ANONYMOUS_READER):
        return
    st.caption(markdown_safe(f"Signed in as {user.name} ({user.role})"))
    if st.button("Sign out"):
        if oidc_in_secrets():
            st.logout()
        st.session_state.pop("user", None)
        st.rerun()
