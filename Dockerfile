# Build stage: restore, then publish a framework-dependent Release build, precompiled (ReadyToRun) so the service
# does not spend its first second in the JIT: start to /ready went from 1.3 s to 0.9 s (bench/README.md, scenario 8).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Inbox.csproj ./
RUN dotnet restore Inbox.csproj -r linux-x64 -p:PublishReadyToRun=true
COPY Program.cs Meta.cs appsettings.json ./
COPY Features/ Features/
COPY Infrastructure/ Infrastructure/
COPY wwwroot/ wwwroot/
RUN dotnet publish Inbox.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true --no-restore -o /app/publish

# Run stage: the ASP.NET runtime only, as the image's non-root user, listening on $PORT.
# A container has no PostgreSQL of its own: set DATABASE_URL (Render wires it from its database).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS run
WORKDIR /app
COPY --from=build /app/publish ./
ENV ASPNETCORE_ENVIRONMENT=Production \
    PORT=8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "Inbox.dll"]
