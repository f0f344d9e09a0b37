// The Security page, once django-otp-webauthn's script has added a key: open the page the
// server named, which lists the new key and, after the first one, shows the recovery codes.
// (The library only reports success beside its button; it never reloads by itself.)
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const answer = (event.detail && event.detail.response) || {};
  window.location.assign(answer.redirect_url || window.location.pathname);
});
