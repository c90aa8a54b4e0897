#!/bin/sh
# Starts this RUN's sccache server (sccache 0.4, Debian's), the way fragments/toolchain/sccache/sccache-setup does:
# the remote cache when the build was given one -- the secret `sccache-config` that `fragments build` makes from the
# profile's `sccache:` block, credentials as the secrets aws-key-id + aws-secret-id, or aws-web-identity-token +
# aws-role-arn -- else, or when the remote cannot be used, the local-disk cache in $SCCACHE_DIR (a cache mount).
# Credentials reach only the server's environment, never the calling shell or the log. Runs as a child (`sh`), so
# nothing it exports leaks into the RUN that calls it.
set -u
S=/run/secrets
if [ -r "$S/sccache-config" ]; then
  . "$S/sccache-config"
  export SCCACHE_BUCKET SCCACHE_S3_KEY_PREFIX
  for v in SCCACHE_REGION SCCACHE_ENDPOINT SCCACHE_S3_USE_SSL SCCACHE_S3_SERVER_SIDE_ENCRYPTION SCCACHE_CACHE_SIZE; do
    eval "[ -n \"\${$v+x}\" ] && export $v"
  done
  creds=none
  if [ -r "$S/aws-key-id" ] && [ -r "$S/aws-secret-id" ]; then
    AWS_ACCESS_KEY_ID=$(cat "$S/aws-key-id") AWS_SECRET_ACCESS_KEY=$(cat "$S/aws-secret-id")
    export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    creds="key pair (secrets aws-key-id, aws-secret-id)"
  elif [ -r "$S/aws-web-identity-token" ] && [ -r "$S/aws-role-arn" ]; then
    AWS_WEB_IDENTITY_TOKEN_FILE="$S/aws-web-identity-token" AWS_ROLE_ARN=$(cat "$S/aws-role-arn")
    export AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN
    creds="web identity (secrets aws-web-identity-token, aws-role-arn)"
  fi
  echo "sccache: remote cache s3://${SCCACHE_BUCKET}/${SCCACHE_S3_KEY_PREFIX} region=${SCCACHE_REGION:-unset} endpoint=${SCCACHE_ENDPOINT:-default}; credentials: ${creds}"
  if sccache --start-server >/tmp/sccache-start.log 2>&1; then
    echo "sccache: using the remote cache"
    exit 0
  fi
  echo "sccache: the remote cache is not usable ($(tr '\n' ' ' </tmp/sccache-start.log | cut -c1-200)); falling back to the local disk"
  unset SCCACHE_BUCKET SCCACHE_S3_KEY_PREFIX SCCACHE_REGION SCCACHE_ENDPOINT SCCACHE_S3_USE_SSL SCCACHE_S3_SERVER_SIDE_ENCRYPTION \
    AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN
fi
echo "sccache: local disk cache ${SCCACHE_DIR}"
exec sccache --start-server
