// The whole Azure deployment of the collections coordinator, for `azd up`.
//
// Everything authenticates with Entra ID: the function app runs as one user-assigned identity
// that holds data-plane roles on its storage, Cosmos DB, Azure OpenAI and Application
// Insights; no account key or secret connection string is created or handed out.
//
// Resources are plain declarations in local modules under modules/ rather than Azure Verified
// Modules: AVM's br/public: references are restored from a registry at build time, which the
// offline test run (pycep parse and checkov) cannot reach, and a local module keeps every
// property that the security checks look at visible in this repository.

targetScope = 'subscription'

@description('Name of the azd environment; names the resource group and seeds resource names.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region of every resource; it must offer the Flex Consumption plan.')
@minLength(1)
param location string

@description('Object id of the person running the deployment, given data access to Cosmos DB and Azure OpenAI for local runs; empty for none.')
param principalId string = ''

@description('Switch the language model on: deploys Azure OpenAI and sets COLLECTIONS_AI=azure-openai; off uses the template writer and deploys no model.')
param aiEnabled bool = false

@description('Azure region of the Azure OpenAI account; empty for the same region as the rest.')
param openAiLocation string = ''

@description('Chat model deployed when AI is on.')
param openAiModelName string = 'gpt-4o-mini'

@description('Version of the chat model.')
param openAiModelVersion string = '2024-07-18'

@description('Deployment SKU of the chat model: GlobalStandard, DataZoneStandard or Standard.')
@allowed([
  'GlobalStandard'
  'DataZoneStandard'
  'Standard'
])
param openAiDeploymentSku string = 'GlobalStandard'

@description('Capacity of the chat model deployment, in thousands of tokens per minute.')
@minValue(1)
param openAiCapacity int = 30

@description('Azure OpenAI data-plane API version the app calls.')
param openAiApiVersion string = '2024-10-21'

@description('Cosmos DB capacity: serverless (billed per request, nothing at rest) or provisioned (database-level autoscale).')
@allowed([
  'serverless'
  'provisioned'
])
param cosmosCapacityMode string = 'serverless'

@description('Highest request units per second the database autoscales to when cosmosCapacityMode is provisioned.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Browser origin of the web app, such as https://collections.contoso.com, allowed by CORS; empty when the app is served from the function app itself.')
param webAppOrigin string = ''

@description('Six-field CRON expression (UTC) of the nightly balance precompute.')
param precomputeSchedule string = '0 30 1 * * *'

@description('Six-field CRON expression (UTC) of the nightly summaries; keep it after the precompute, whose snapshots they read.')
param summarySchedule string = '0 30 2 * * *'

@description('Seconds one language model call may take before the template writer answers instead.')
@minValue(1)
param aiTimeoutSeconds int = 20

@description('Retries of a language model call whose answer failed the checks, before the template writer.')
@minValue(0)
param aiMaxRetries int = 2

@description('Tokens the nightly summaries may spend in one run.')
@minValue(0)
param summaryTokenBudget int = 200000

@description('Aging period bounds in days, comma-separated.')
param agingPeriods string = '30,60,90,120'

@description('How many customers each workspace list shows by default.')
@minValue(1)
param workspaceTop int = 10

@description('Days past due that turn a reminder firm, then final, comma-separated.')
param reminderToneDays string = '30,60'

@description('Days after a workflow reminder before the same customer is due another.')
@minValue(1)
param reminderQuietDays int = 7

@description('Largest number of instances the function app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Deploy the reminder email Logic App; its Office 365 connection then needs a one-time consent in the portal.')
param reminderWorkflowEnabled bool = false

@description('Comma-separated company ids the reminder workflow sends reminders for.')
param reminderCompanies string = ''

@description('Hour of the day (0-23) the reminder workflow runs on weekdays.')
@minValue(0)
@maxValue(23)
param reminderHour int = 7

@description('Windows time zone name of the reminder schedule.')
param reminderTimeZone string = 'UTC'

@description('When set, reminder drafts go to this mailbox for review instead of to the customers.')
param reminderReviewMailbox string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'collections-coordinator'
}
var cosmosLayout = loadJsonContent('cosmos-layout.json')
var openAiDeploymentName = 'chat'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package-${resourceToken}'
    appPrincipalId: identity.outputs.principalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

module openAi 'modules/openai.bicep' = if (aiEnabled) {
  name: 'openai'
  scope: rg
  params: {
    name: 'oai-${resourceToken}'
    location: empty(openAiLocation) ? location : openAiLocation
    tags: tags
    deploymentName: openAiDeploymentName
    modelName: openAiModelName
    modelVersion: openAiModelVersion
    deploymentSku: openAiDeploymentSku
    capacity: openAiCapacity
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

var openAiEndpoint = aiEnabled ? openAi.outputs.endpoint : ''

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    maximumInstanceCount: maximumInstanceCount
    allowedOrigins: empty(webAppOrigin) ? [] : [
      webAppOrigin
    ]
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabase: cosmos.outputs.databaseName
    aiMode: aiEnabled ? 'azure-openai' : 'off'
    azureOpenAiEndpoint: openAiEndpoint
    azureOpenAiDeployment: aiEnabled ? openAiDeploymentName : ''
    azureOpenAiApiVersion: openAiApiVersion
    precomputeSchedule: precomputeSchedule
    summarySchedule: summarySchedule
    aiTimeoutSeconds: aiTimeoutSeconds
    aiMaxRetries: aiMaxRetries
    summaryTokenBudget: summaryTokenBudget
    agingPeriods: agingPeriods
    workspaceTop: workspaceTop
    reminderToneDays: reminderToneDays
    reminderQuietDays: reminderQuietDays
  }
}

module reminderWorkflow 'modules/reminder-workflow.bicep' = if (reminderWorkflowEnabled) {
  name: 'reminder-workflow'
  scope: rg
  params: {
    name: 'logic-reminders-${resourceToken}'
    connectionName: 'office365-${resourceToken}'
    location: location
    tags: tags
    functionAppName: functionApp.outputs.name
    companies: split(replace(reminderCompanies, ' ', ''), ',')
    hour: reminderHour
    timeZone: reminderTimeZone
    reviewMailbox: reminderReviewMailbox
  }
}

// azd stores these in the environment's .env file; the names match the app settings, so a
// local run can point at the deployed Cosmos DB and Azure OpenAI with `azd env get-values`.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output COLLECTIONS_STORE string = 'cosmos'
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmosLayout.database
output COLLECTIONS_AI string = aiEnabled ? 'azure-openai' : 'off'
output AZURE_OPENAI_ENDPOINT string = openAiEndpoint
output AZURE_OPENAI_DEPLOYMENT string = aiEnabled ? openAiDeploymentName : ''
output AZURE_OPENAI_API_VERSION string = openAiApiVersion
output REMINDER_WORKFLOW_NAME string = reminderWorkflowEnabled ? reminderWorkflow.outputs.name : ''
output REMINDER_CONNECTION_NAME string = reminderWorkflowEnabled ? reminderWorkflow.outputs.connectionName : ''
