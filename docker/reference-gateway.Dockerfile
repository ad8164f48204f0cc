# The bundled reference gateway as a container image, built by docker/build-images.sh from a context it lays out
# (docker/stage-gateway.mjs): no base image is pulled, the base is this machine's own Node.js.
#
# Configured only through its environment, like any gateway: PDS_URL and SDS_URL (required), PORT (default
# 8080), HOST (default 127.0.0.1). Run it with host networking; it prints
# "gp-harness reference gateway listening on http://HOST:PORT" when ready.
FROM gp-harness/node-base:local
WORKDIR /app
COPY app/ /app/
CMD ["node", "dist/gateway/main.js"]
