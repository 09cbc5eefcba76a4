# syncnode: multi-stage build. Stage 1 builds the fat jar with Maven, stage 2 runs it on a JRE 17.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY proto proto
RUN mvn -B -q dependency:go-offline -DskipTests || true
COPY src src
RUN mvn -B -q package -DskipTests -Dcds.skip=true

FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system syncnode \
 && useradd --system --gid syncnode --home-dir /app --shell /usr/sbin/nologin syncnode
WORKDIR /app
COPY --from=build /src/target/node.jar /app/node.jar
# class-data sharing: one selfcheck on this image's JVM records what a node loads (start-up ~40% less CPU);
# the archive belongs to this JVM and this jar path, so it is made here, not in the build stage
RUN java -XX:ArchiveClassesAtExit=/app/node.jsa -jar /app/node.jar selfcheck > /dev/null 2>&1 \
 && rm -rf /tmp/syncnode-selfcheck*
COPY conf/config.yml /app/conf/config.yml
COPY data/workspace /data/workspace
# a worker's mirror root: never the master's spiders (SYNCNODE_NODE_WORKSPACE=/data/worker)
RUN mkdir -p /data/worker && chown -R syncnode:syncnode /app /data
USER syncnode
# Configuration through env: every key as SYNCNODE_<PATH>, e.g. SYNCNODE_NODE_ROLE=worker.
ENV SYNCNODE_NODE_WORKSPACE=/data/workspace \
    JAVA_OPTS="-XX:MaxRAMPercentage=75"
VOLUME ["/data/workspace", "/data/worker"]
EXPOSE 8000 9666
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${SYNCNODE_HTTP_PORT:-8000}/health" || exit 1
ENTRYPOINT ["sh", "-c", "exec java -XX:SharedArchiveFile=/app/node.jsa -Xlog:cds=off -Xlog:cds+dynamic=off $JAVA_OPTS -jar /app/node.jar -conf /app/conf/config.yml \"$@\"", "--"]
