# Build stage: restore, then publish a framework-dependent Release build.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Inbox.csproj ./
RUN dotnet restore Inbox.csproj
COPY Program.cs Meta.cs ./
COPY Features/ Features/
COPY Infrastructure/ Infrastructure/
COPY wwwroot/ wwwroot/
RUN dotnet publish Inbox.csproj -c Release --no-restore -o /app/publish

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
