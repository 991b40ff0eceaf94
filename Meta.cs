global using FastEndpoints;
global using FluentValidation;
global using LinqToDB;
global using LinqToDB.Async;
global using NodaTime;
global using Inbox.Infrastructure.Database;
global using Inbox.Infrastructure.Auth;
global using Inbox.Infrastructure.Http;
