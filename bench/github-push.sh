# Sourced by the benchmark scripts: the 1 KB GitHub push they all post, and its signature with $SECRET.
BODY=$(printf '{"ref":"refs/heads/main","repository":{"full_name":"acme/widgets"},"pusher":{"name":"bench"},"head_commit":{"message":"%s"}}' "$(head -c 880 /dev/zero | tr '\0' 'x')")
SIGNATURE="sha256=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')"
