"""Route constants and builders: no path string anywhere else."""

HOME = "/"
LOGIN = "/login"
REGISTER = "/register"
DASHBOARD = "/dashboard"
VERIFY = "/verify"
DEV_SMS = "/dev/sms"
