"""allauth's account forms with M-Pact's input layer (mpact/forms.py), named in ACCOUNT_FORMS
so that logging in, signing up and resetting a password refuse what every other form does."""

from allauth.account import forms as account

from mpact.forms import guarded

LoginForm = guarded(account.LoginForm)
SignupForm = guarded(account.SignupForm)
AddEmailForm = guarded(account.AddEmailForm)
ChangePasswordForm = guarded(account.ChangePasswordForm)
SetPasswordForm = guarded(account.SetPasswordForm)
ResetPasswordForm = guarded(account.ResetPasswordForm)
ResetPasswordKeyForm = guarded(account.ResetPasswordKeyForm)
ReauthenticateForm = guarded(account.ReauthenticateForm)
